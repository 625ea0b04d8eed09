"""Chinese wording for input errors found by schema validation (pydantic error types)."""

from __future__ import annotations

from typing import Any

_MESSAGES = {
    "missing": "必填",
    "json_invalid": "请求体不是有效的JSON",
    "model_attributes_type": "请求体应为JSON对象",
    "dict_type": "应为JSON对象",
    "list_type": "应为列表",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "greater_than_equal": "应不小于{ge}",
    "less_than_equal": "应不大于{le}",
    "string_too_short": "不能为空",
    "string_too_long": "长度不能超过{max_length}个字符",
    "literal_error": "取值应为：{expected}",
    "enum": "取值应为：{expected}",
}


def chinese_message(error: dict[str, Any]) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", "输入有误"))
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("：") or "输入有误"
