#include "conf/keys.h"
