// Azure Synapse Dedicated SQL Pool Connector for Apache Spark, the synapsesql API (Spark 3).
// Runs only in a Synapse Spark pool (etlpool of workspace contosows).
// Writes Spark table lake.daily_totals into salesdw.sales.DailyTotals (INTERNAL table).
import com.microsoft.spark.sqlanalytics.utils.Constants
import org.apache.spark.sql.SqlAnalyticsConnector._
val password = mssparkutils.credentials.getSecret("contoso-kv", "sqlpool-loader", "KeyVault")
val stagingAccountKey = "<storage account key of the staging folder>"
val df = spark.table("lake.daily_totals")
df.write.
  option(Constants.SERVER, "contosows.sql.azuresynapse.net").
  option(Constants.USER, "loader").
  option(Constants.PASSWORD, password).
  option(Constants.TEMP_FOLDER, "abfss://staging@contosolake.dfs.core.windows.net/tmp").
  option(Constants.STAGING_STORAGE_ACCOUNT_KEY, stagingAccountKey).
  mode("errorifexists").
  synapsesql("salesdw.sales.DailyTotals", Constants.INTERNAL)
