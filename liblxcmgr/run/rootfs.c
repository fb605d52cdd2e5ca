#include "run/rootfs.h"
