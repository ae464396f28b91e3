"""Pure streak rules: sessions -> local days -> streaks, freezes, XP. No I/O, no clock, no google imports."""
