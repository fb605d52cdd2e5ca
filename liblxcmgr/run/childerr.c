#include "run/childerr.h"
