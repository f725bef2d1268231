// Azure Synapse Dedicated SQL Pool Connector for Apache Spark, the seed's sqlanalytics API.
// Runs only in a Synapse Spark pool (etlpool of workspace contosows).
// Reads salesdw.sales.DailyTotals from the SQL pool into Spark table lake.daily_totals.
import com.microsoft.spark.sqlanalytics.utils.Constants
import org.apache.spark.sql.SqlAnalyticsConnector._

val df = spark.read.
  option(Constants.DATA_SOURCE, "LakeSource").
  sqlanalytics("salesdw.sales.DailyTotals")
df.write.mode("errorifexists").saveAsTable("lake.daily_totals")
