-- Prerequisites in the dedicated SQL pool salesdw for reads of salesdw.sales.DailyTotals
-- (Microsoft Entra ID as contosows). Run as the pool's Active Directory admin (or a user with ALTER ANY USER).
CREATE USER [contosows] FROM EXTERNAL PROVIDER;
EXEC sp_addrolemember 'db_exporter', 'contosows';
