#ifndef LXCMGR_TEMPLATE_H
#define LXCMGR_TEMPLATE_H

#endif
