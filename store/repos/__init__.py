"""Repositories, one small module per aggregate (DESIGN.md): each a class of typed queries over the
database handle. Inside a unit of work (store/unit.py) they all share its one session and transaction."""
