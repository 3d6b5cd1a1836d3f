// The monitor is how a projection hears Cancel: it must throw, and only when asked to.
#include <catch2/catch.hpp>

#include "core/projection/Projection.h"

using namespace rnnscope::projection;

TEST_CASE("A monitor throws Cancelled only once the user cancelled", "[monitor]") {
    bool cancel = false;
    Monitor monitor;
    monitor.cancelled = [&] { return cancel; };
    REQUIRE_NOTHROW(monitor.checkCancelled());
    cancel = true;
    REQUIRE_THROWS_AS(monitor.checkCancelled(), Cancelled);
    REQUIRE_NOTHROW(Monitor{}.checkCancelled());
}
