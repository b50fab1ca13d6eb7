"""The planner's questions, answered from the variant core: where to place, does it hold.

Nothing here formats text for people: results are frozen records and tables; the command
line, the report and the app put them into words.
"""
