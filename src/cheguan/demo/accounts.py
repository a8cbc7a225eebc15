"""The documented demo accounts, as a table for the terminal and the README.

Plain data: no database access, so ``make run`` can print it before the server starts.
"""

from __future__ import annotations

from cheguan.demo import data

ROLE_LABELS = {
    "citizen": "citizen 群众",
    "clerk": "clerk 窗口民警",
    "inspector": "inspector 查验员",
    "supervisor": "supervisor 监管",
    "examiner": "examiner 考试员",
    "dealer_agent": "dealer agent 4S店",
    "scrapyard_agent": "scrapyard agent 回收企业",
    "driving_school_agent": "driving-school agent 驾校",
    "service_point_agent": "service-point agent 服务点",
    "admin": "admin 管理员",
}


def accounts_table(url: str = "http://127.0.0.1:8000/") -> str:
    """One line per role: user name, the shared demo password, and what to try."""
    width = max(len(a.username) for a in data.ACCOUNTS)
    lines = [
        f"Demo accounts at {url}  (password for every account: {data.DEMO_PASSWORD})",
        "",
        f"  {'user name'.ljust(width)}  role",
    ]
    for account in data.ACCOUNTS:
        note = f"  — {account.note}" if account.note else ""
        lines.append(f"  {account.username.ljust(width)}  {ROLE_LABELS[account.role]}{note}")
    extra = ", ".join(a.username for a in data.EXTRA_ACCOUNTS)
    lines += ["", f"  more staff: {extra}"]
    return "\n".join(lines)
