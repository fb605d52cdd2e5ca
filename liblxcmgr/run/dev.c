#include "run/dev.h"
