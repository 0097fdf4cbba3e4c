"""Writes of audits: plain functions with keyword-only arguments, called by views, tasks,
commands and tests alike. They may read through audits.selectors; they never import views,
tasks or Celery (they queue tasks by name: audits.task_names)."""
