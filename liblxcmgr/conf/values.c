#include "conf/values.h"
