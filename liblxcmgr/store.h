#ifndef LXCMGR_STORE_H
#define LXCMGR_STORE_H

#endif
