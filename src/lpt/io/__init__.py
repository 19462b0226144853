"""Lab data: instrument files read into lpt's measured-data types.

``lpt.io.read_cycling(path)`` returns one cycling table (a pandas DataFrame with
Battery Data Format column names, see :mod:`lpt.io.bdf`); the readers live in
``lpt.io.formats``, one module per instrument maker.
"""
