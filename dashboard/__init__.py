"""中小学校党建数据看板 — school Party-building dashboard."""
