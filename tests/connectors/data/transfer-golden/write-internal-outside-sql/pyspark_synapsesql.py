# Azure Synapse Dedicated SQL Pool Connector for Apache Spark, the synapsesql API in Python
# (Spark 3 only; etlpool of workspace contosows).
# Writes Spark table lake.daily_totals into salesdw.sales.DailyTotals (INTERNAL table).
import com.microsoft.spark.sqlanalytics
from com.microsoft.spark.sqlanalytics.Constants import Constants
password = mssparkutils.credentials.getSecret("contoso-kv", "sqlpool-loader", "KeyVault")
staging_account_key = "<storage account key of the staging folder>"
df = spark.table("lake.daily_totals")
(df.write
    .option(Constants.SERVER, "contoso-dw.database.windows.net")
    .option(Constants.USER, "loader")
    .option(Constants.PASSWORD, password)
    .option(Constants.TEMP_FOLDER, "abfss://staging@contosolake.dfs.core.windows.net/tmp")
    .option(Constants.STAGING_STORAGE_ACCOUNT_KEY, staging_account_key)
    .mode("errorifexists")
    .synapsesql("salesdw.sales.DailyTotals", Constants.INTERNAL))
