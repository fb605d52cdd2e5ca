#include "run/monitor.h"
