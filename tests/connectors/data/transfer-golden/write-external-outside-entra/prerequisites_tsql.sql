-- Prerequisites in the dedicated SQL pool salesdw for writes into salesdw.sales.DailyTotals
-- (Microsoft Entra ID as contosows). Run as the pool's Active Directory admin (or a user with ALTER ANY USER).
CREATE USER [contosows] FROM EXTERNAL PROVIDER;
EXEC sp_addrolemember 'db_exporter', 'contosows';
-- If the schema does not exist yet:
CREATE SCHEMA [sales];
GRANT CREATE TABLE TO [contosows];
GRANT ALTER ON SCHEMA::[sales] TO [contosows];
GRANT ADMINISTER DATABASE BULK OPERATIONS TO [contosows];
GRANT INSERT ON SCHEMA::[sales] TO [contosows];
CREATE EXTERNAL DATA SOURCE [LakeSource]
WITH (LOCATION = 'abfss://lake@contosolake.dfs.core.windows.net/exports', TYPE = HADOOP);
CREATE EXTERNAL FILE FORMAT [ParquetSnappy]
WITH (FORMAT_TYPE = PARQUET,
      DATA_COMPRESSION = 'org.apache.hadoop.io.compress.SnappyCodec');
