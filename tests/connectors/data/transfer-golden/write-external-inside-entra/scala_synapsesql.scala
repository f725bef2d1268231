// Azure Synapse Dedicated SQL Pool Connector for Apache Spark, the synapsesql API (Spark 3).
// Runs only in a Synapse Spark pool (etlpool of workspace contosows).
// Writes Spark table lake.daily_totals into salesdw.sales.DailyTotals (EXTERNAL table).
import com.microsoft.spark.sqlanalytics.utils.Constants
import org.apache.spark.sql.SqlAnalyticsConnector._

val df = spark.table("lake.daily_totals")
df.write.
  option(Constants.SERVER, "contosows.sql.azuresynapse.net").
  option(Constants.DATA_SOURCE, "LakeSource").
  mode("errorifexists").
  synapsesql("salesdw.sales.DailyTotals", Constants.EXTERNAL)
