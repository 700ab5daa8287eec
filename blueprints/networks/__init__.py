"""Networks (beställarnätverk): matching challenges and organisations into networks; matching.py is the engine."""
