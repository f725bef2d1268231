-- Prerequisites in the dedicated SQL pool salesdw for writes into salesdw.sales.DailyTotals
-- (SQL authentication as loader). Run as the pool's Active Directory admin (or a user with ALTER ANY USER).
-- The login exists in master (CREATE LOGIN).
CREATE USER [loader] FROM LOGIN [loader];
EXEC sp_addrolemember 'db_exporter', 'loader';
-- If the schema does not exist yet:
CREATE SCHEMA [sales];
GRANT CREATE TABLE TO [loader];
GRANT ALTER ON SCHEMA::[sales] TO [loader];
GRANT ADMINISTER DATABASE BULK OPERATIONS TO [loader];
GRANT INSERT ON SCHEMA::[sales] TO [loader];
CREATE EXTERNAL DATA SOURCE [LakeSource]
WITH (LOCATION = 'abfss://lake@contosolake.dfs.core.windows.net/exports', TYPE = HADOOP);
CREATE EXTERNAL FILE FORMAT [ParquetSnappy]
WITH (FORMAT_TYPE = PARQUET,
      DATA_COMPRESSION = 'org.apache.hadoop.io.compress.SnappyCodec');
