# ruff: noqa: E501  (a catalog line holds one phrase in two languages; CJK counts double)
"""Words every staff page shares: the frame (navigation, language switch), login and errors."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "common.skip": ("跳到正文", "Skip to content"),
    "common.main_nav": ("主导航", "Main"),
    "common.staff_login": ("工作人员登录", "Staff login"),
    "common.logout": ("退出登录", "Log out"),
    "common.language": ("语言", "Language"),
    "common.lang.zh": ("中文", "中文"),
    "common.lang.en": ("English", "English"),
    "common.who": ("{name}（{roles}）", "{name} ({roles})"),
    "common.list_sep": ("、", ", "),
    "common.save": ("保存", "Save"),
    "common.cancel": ("取消", "Cancel"),
    "common.none": ("无", "None"),
    "common.yes": ("是", "Yes"),
    "common.no": ("否", "No"),
    "common.period": ("。", "."),
    "common.support_chat": ("心理支持聊天", "Support chat"),
    # navigation and page titles
    "page.console": ("咨询工作台", "Console"),
    "page.dashboard": ("管理后台", "Dashboard"),
    "page.login": ("登录", "Log in"),
    "page.password": ("设置密码", "Set your password"),
    # login
    "login.title": ("工作人员登录", "Staff login"),
    "login.login": ("账号", "Login"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.residents": ("居民如需心理支持，请", "Residents looking for support:"),
    "login.open_chat": ("进入聊天", "open the chat"),
    # errors (bot/web/security.py FRIENDLY, by status)
    "error.400": ("无法读取这次请求。请刷新页面后重试。", "The request could not be read. Reload the page and try again."),
    "error.401": ("请先登录。", "Please log in first."),
    "error.403": ("没有权限进行此操作。", "This is not allowed."),
    "error.404": ("这里没有页面。", "There is no page here."),
    "error.405": ("这个地址不接受这种请求。", "This address does not accept that kind of request."),
    "error.413": ("内容太长，请发送短一些的消息。", "That was too large. Send a shorter message."),
    "error.429": ("尝试次数过多，请过几分钟再试。", "Too many attempts. Wait a few minutes and try again."),
    "error.500": ("系统出了点问题。如果你现在有危险，请拨打 110 或 120，心理援助热线 12356。", "Something went wrong on our side. If you are in danger, call 110 or 120, or 12356 for psychological support."),
    "error.csrf": ("表单已过期或并非来自本网站。请刷新页面后重试。", "The form has expired or did not come from this site. Reload the page and try again."),
    "error.detail": ("详情（英文）：", "Detail:"),
    "login.wrong": ("账号或密码错误。", "Login or password is wrong."),
    "login.throttled": ("此处登录失败次数过多。请等待 {wait} 秒后重试，或请协调员重置你的密码。", "Too many failed attempts from here. Wait {wait} seconds and try again, or ask a coordinator to reset your password."),
    "error.role": ("你已登录，但你的角色无权打开此页面。", "You are logged in, but your role does not allow this page."),
    "error.title": ("错误 {status}", "Error {status}"),
}
TEXT.update({
    # /password (templates/admin/password.html)
    "password.done": ("密码已设置。账号 {login} 之前的登录已全部结束。", "Your password is set. Any earlier session of {login} has ended."),
    "password.hint": ("请使用管理员给你的一次性验证码。验证码仅可使用一次，一天内有效。", "With the one-time code an admin gave you. Codes work once and for a day."),
    "password.code": ("一次性验证码", "One-time code"),
    "password.new": ("新密码（至少 10 个字符）", "New password (at least 10 characters)"),
    "password.again": ("再次输入新密码", "The same password again"),
    "password.submit": ("设置密码", "Set password"),
})

