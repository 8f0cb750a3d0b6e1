"""Placeholder until the report page (issue 5) replaces this file."""
import streamlit as st

st.title("报告导出")
