"""Personal data: erase a person, anonymise a study, keep to a retention period, export a person.

Sits beside ``findings`` above ``collection``: it reads and writes the stored study, never the
web or the command line, which call it with the folders and the actor they know.
"""
