"""Storage: SQLAlchemy 2 async models, engine, unit of work and repositories."""
