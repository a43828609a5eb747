"""transfogen: turns a French collectivity's profile into an 18-month innovation-lab programme kit."""

__version__ = "0.1.0"
