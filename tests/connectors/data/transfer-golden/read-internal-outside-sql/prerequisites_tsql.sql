-- Prerequisites in the dedicated SQL pool salesdw for reads of salesdw.sales.DailyTotals
-- (SQL authentication as loader). Run as the pool's Active Directory admin (or a user with ALTER ANY USER).
-- The login exists in master (CREATE LOGIN).
CREATE USER [loader] FROM LOGIN [loader];
EXEC sp_addrolemember 'db_exporter', 'loader';
CREATE EXTERNAL DATA SOURCE [LakeSource]
WITH (LOCATION = 'abfss://lake@contosolake.dfs.core.windows.net/exports', TYPE = HADOOP);
