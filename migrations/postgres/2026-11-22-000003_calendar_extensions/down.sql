DROP TABLE extension_requests;
DROP TABLE holiday_days;
DROP TABLE holiday_years;
