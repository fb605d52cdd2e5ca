#include "unit.h"

TEST(placeholder) { EXPECT(1, "x"); }
UNIT_MAIN(placeholder)
