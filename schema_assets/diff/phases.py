"""Phases: the order in which kinds of operation run, so each finds what it needs.

Drops of dependents come first, then creations from the bottom up (schemas, types,
sequences, functions, tables, columns, keys, indexes, foreign keys, views, triggers),
then the remaining drops in reverse dependency order.
"""

RENAME = 5
DROP_VIEW = 10
DROP_TRIGGER = 20
DROP_POLICY = 20
DROP_FOREIGN_KEY = 30
DROP_CONSTRAINT = 40
DROP_INDEX = 50
DETACH_PARTITION = 55
CREATE_SCHEMA = 60
CREATE_EXTENSION = 65
CREATE_TYPE = 70
ALTER_TYPE = 72  # enum add value (non-transactional)
RECREATE_TYPE = 75  # enum recreate: rename, create, retype columns, drop
CREATE_SEQUENCE = 80
DROP_DEFAULT_FOR_FUNCTION = 84  # defaults calling a function that is dropped next
DROP_FUNCTION_FOR_RECREATE = 85
CREATE_FUNCTION = 90
CREATE_TABLE = 100
ALTER_TABLE = 105
ALTER_COLUMN = 110
ATTACH_PARTITION = 115
SEQUENCE_OWNERSHIP = 120
CREATE_SQL_FUNCTION = 125  # SQL-language bodies are checked at creation: after tables
CREATE_CONSTRAINT = 130
VALIDATE_CONSTRAINT = 135
CREATE_INDEX = 140
NAME_PARTITION_INDEX = 142  # partition indexes renamed to their target names
REPLICA_IDENTITY = 145  # USING INDEX needs the index; CLUSTER ON likewise
CREATE_FOREIGN_KEY = 150
VALIDATE_FOREIGN_KEY = 155
SET_NOT_NULL = 160
CREATE_VIEW = 170
CREATE_VIEW_INDEX = 175
CREATE_TRIGGER = 180
CREATE_POLICY = 180
COMMENT = 190
PRIVILEGE = 195
DROP_COLUMN = 200
DROP_TABLE = 210
DROP_SEQUENCE = 220
DROP_FUNCTION = 230
DROP_TYPE = 240
DROP_EXTENSION = 250
DROP_SCHEMA = 260
