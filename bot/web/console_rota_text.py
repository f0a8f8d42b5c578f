"""The words of the console's My shifts page (bot/web/console_rota.py), key -> (zh, en), in the shape
of the staff catalog (bot/web/staff_catalog/): keys start with `shifts.`, so this dict can join the
catalog as it is. `{name}` marks a value filled in."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "shifts.title": ("我的班次", "My shifts"),
    "shifts.back": ("← 返回工作台", "← Back to the console"),
    "shifts.upcoming": ("未来四周的班次", "My shifts, next four weeks"),
    "shifts.tz_note": ("时间为值班站点所在时区。", "Times are in the station's time zone."),
    "shifts.none": ("未来四周没有你的班次。", "You have no shifts in the next four weeks."),
    "shifts.col.day": ("日期", "Day"), "shifts.col.hours": ("时间", "Hours"),
    "shifts.col.station": ("站点", "Station"), "shifts.col.role": ("班次类型", "Role"),
    "shifts.requests": ("我的换班和请假申请", "My swap and leave requests"),
    "shifts.no_requests": ("还没有申请。", "No requests yet."),
    "shifts.col.kind": ("类型", "Kind"), "shifts.col.what": ("内容", "What"),
    "shifts.col.when": ("时间", "When"), "shifts.col.state": ("状态", "State"),
    "shifts.swap": ("换班", "Swap"), "shifts.leave": ("请假", "Leave"),
    "shifts.swap_mine": ("请 {other} 代我在{station}的班", "{other} to take my shift at {station}"),
    "shifts.swap_of_me": ("{other} 请我代班（{station}）",
                          "{other} asks me to take their shift at {station}"),
    "shifts.agree": ("同意代班", "Agree"),
    "shifts.withdraw": ("撤回", "Withdraw"),
    "shifts.ask_swap": ("请同事代班", "Ask a colleague to take a shift"),
    "shifts.shift": ("我的班次", "My shift"), "shifts.colleague": ("同事", "Colleague"),
    "shifts.send_swap": ("发送换班申请", "Send swap request"),
    "shifts.swap_hint": ("同事同意后，由协调员审批。",
                         "Your colleague agrees first, then a coordinator decides."),
    "shifts.ask_leave": ("申请请假", "Request leave"),
    "shifts.first_day": ("第一天", "First day"), "shifts.last_day": ("最后一天", "Last day"),
    "shifts.reason": ("原因（可不填）", "Reason (optional)"),
    "shifts.send_leave": ("提交请假申请", "Send leave request"),
    "shifts.leave_hint": ("整天计算，按你所在站点的时间；协调员批准后生效。",
                          "Whole days in your station's time; it counts once a coordinator approves."),
    "shifts.calendar": ("日历订阅", "Calendar link"),
    "shifts.calendar_hint": ("把链接加入日历应用即可看到你的班次（只有时间、站点和班次类型）。"
                             "链接就是钥匙：不要转发；需要时可以换新或停用。",
                             "Add the link to a calendar app to see your shifts there (times, station and "
                             "role only). The link is the key: do not share it; make a new one or turn it "
                             "off any time."),
    "shifts.calendar_new": ("生成日历链接", "Make a calendar link"),
    "shifts.calendar_rotate": ("换一个新链接（旧链接失效）", "Make a new link (the old one stops working)"),
    "shifts.calendar_revoke": ("停用链接", "Turn the link off"),
    "shifts.calendar_live": ("你有一个有效的日历链接（{since} 生成）。为安全起见，链接只显示一次。",
                             "You have a live calendar link (made {since}). For safety it is shown only "
                             "once."),
    "shifts.calendar_url": ("你的日历链接（只显示这一次，请现在复制）：",
                            "Your calendar link (shown only this once: copy it now):"),
    "shifts.no_shift_to_swap": ("没有可以换的班次。", "No shift to swap."),
    "shifts.bad_day": ("请选择日期（年-月-日）。", "Pick a date (year-month-day)."),
    "shifts.end_before_start": ("最后一天不能早于第一天。", "The last day must not be before the first."),
    "shifts.form_error": ("没有保存：请看标出的字段。", "Not saved: see the field marked."),
    # what put me on duty
    "shifts.layer.rotation": ("轮班", "rota shift"),
    "shifts.layer.override": ("临时顶班", "cover (override)"),
    "shifts.layer.swap": ("换班", "swap"),
    "shifts.layer.leave_cover": ("替请假同事", "covering leave"),
    # request states
    "shifts.state.swap.requested": ("等待 {other} 同意", "waiting for {other}"),
    "shifts.state.swap.accepted": ("已同意，等待协调员审批", "agreed, waiting for a coordinator"),
    "shifts.state.swap.approved": ("已批准", "approved"),
    "shifts.state.swap.declined": ("未批准", "declined"),
    "shifts.state.leave.requested": ("等待协调员审批", "waiting for a coordinator"),
    "shifts.state.leave.approved": ("已批准", "approved"),
    "shifts.state.leave.declined": ("未批准", "declined"),
    "shifts.state.leave.withdrawn": ("已撤回", "withdrawn"),
    # after a form (?done=)
    "shifts.done.swap": ("换班申请已发出，正在等待同事同意。",
                         "Swap request sent: it waits for your colleague."),
    "shifts.done.agree": ("你已同意，等待协调员审批。", "You agreed: a coordinator decides next."),
    "shifts.done.leave": ("请假申请已提交，等待协调员审批。", "Leave request sent: a coordinator decides."),
    "shifts.done.withdraw": ("申请已撤回。", "Request withdrawn."),
    "shifts.done.feed-revoked": ("日历链接已停用。", "Calendar link turned off."),
}


def words(lang: str) -> dict[str, str]:
    """Every `shifts.` entry in `lang`, keyed without the prefix (`w['title']`)."""
    return {key.removeprefix("shifts."): pair[lang == "en"] for key, pair in TEXT.items()}
