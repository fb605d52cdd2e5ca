#ifndef LXCMGR_RUN_SPAWN_H
#define LXCMGR_RUN_SPAWN_H

#endif
