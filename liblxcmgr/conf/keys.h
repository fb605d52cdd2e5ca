#ifndef LXCMGR_CONF_KEYS_H
#define LXCMGR_CONF_KEYS_H

#endif
