"""Duty rota and escalation (pure: no I/O after loading; imports nothing from bot/).

- model: stations, counselors, rotations, overrides, leave, swaps, `Rota`, `DutyAssignment`
- schedule: `Schedule(rota, start, end)` compiles a span; `.on_duty(at, station, language)`;
  `RollingSchedule` recompiles around "now"; `on_duty(rota, at, ...)` for one-off queries
- gaps / fairness / demand: `coverage_gaps(...)` worst first by hour-of-day demand; hours per person
- escalation / settings: `policy_copy` (stored on a case), `step_targets(policy, step, schedule, at)`
- swaps: requested -> accepted -> approved | declined; `swap_on_behalf`
- rota_file / rota_io: YAML import and export; ical: iCal export; reminders: shift and gap notices
- timers: restart-safe escalation timers on APScheduler (`EscalationTimers`, `StepStore`)
"""
