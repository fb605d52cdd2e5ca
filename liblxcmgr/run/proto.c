#include "run/proto.h"
