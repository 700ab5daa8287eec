"""Demo data: each area's seeder, in the order the areas registered (idempotent)."""

from flask import current_app

from blueprints.core.registry import areas


def seed_demo() -> int:
    """Add whatever demo rows are missing in every area; return how many were created."""
    return sum(seeder.seed() for seeder in areas(current_app).seeders)


def describe_demo() -> list[str]:
    """What the areas say a person needs to know about the demo (the accounts to sign in with)."""
    return [line for seeder in areas(current_app).seeders if seeder.describe for line in seeder.describe()]
