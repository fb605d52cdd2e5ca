#include "run/plan.h"
