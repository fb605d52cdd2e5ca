#ifndef LXCMGR_CONF_CONF_H
#define LXCMGR_CONF_CONF_H

#endif
