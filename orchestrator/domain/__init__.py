"""Plain domain model: dataclasses, enums and state transitions, no infrastructure."""
