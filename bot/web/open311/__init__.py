"""The Open311 GeoReport v2 interface: apps list the report categories, read published
reports and (with the API key) create reports."""
