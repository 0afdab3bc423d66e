-- SPDX-License-Identifier: Apache-2.0
-- wrk script for bench/soak: a steady rate instead of wrk's flat-out load. Each connection waits
-- SOAK_DELAY_MS (environment) before each request, so the rate is about connections x 1000 / delay.
-- The result line is bench/wrk-report.lua's.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk-report.lua")
local pause = tonumber(os.getenv("SOAK_DELAY_MS") or "5")
delay = function()
   return pause
end
