"""Placeholder until the import page (issue 4) replaces this file."""
import streamlit as st

st.title("数据管理")
