from tonghu.core.roles import CIVIL_AFFAIRS, COUNTY_STAFF, ROLE_LEVELS, Department, Role  # noqa: F401  (moved to tonghu.core.roles; kept for old imports)
