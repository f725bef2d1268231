// Azure Synapse Dedicated SQL Pool Connector for Apache Spark, the seed's sqlanalytics API.
// Runs only in a Synapse Spark pool (etlpool of workspace contosows).
// Reads salesdw.sales.DailyTotals from the SQL pool into Spark table lake.daily_totals.
import com.microsoft.spark.sqlanalytics.utils.Constants
import org.apache.spark.sql.SqlAnalyticsConnector._
val password = mssparkutils.credentials.getSecret("contoso-kv", "sqlpool-loader", "KeyVault")
val df = spark.read.
  option(Constants.SERVER, "contoso-dw.database.windows.net").
  option(Constants.USER, "loader").
  option(Constants.PASSWORD, password).
  option(Constants.DATA_SOURCE, "LakeSource").
  sqlanalytics("salesdw.sales.DailyTotals")
df.write.mode("errorifexists").saveAsTable("lake.daily_totals")
