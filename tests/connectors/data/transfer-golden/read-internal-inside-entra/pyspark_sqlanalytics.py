# Cell 1 (PySpark). The seed's sqlanalytics API is Scala only: PySpark hands the data over
# through a temporary view and a %%spark cell (etlpool of workspace contosows).
# Reads salesdw.sales.DailyTotals from the SQL pool into Spark table lake.daily_totals.
# Run cell 2 first: it reads the SQL pool into a temporary view.
pyspark_df = spark.table("linkwright_transfer")
pyspark_df.write.mode("errorifexists").saveAsTable("lake.daily_totals")

# Cell 2: paste into its own cell; it starts with the %%spark magic.
%%spark
import com.microsoft.spark.sqlanalytics.utils.Constants
import org.apache.spark.sql.SqlAnalyticsConnector._
val df = spark.read.
  option(Constants.DATA_SOURCE, "LakeSource").
  sqlanalytics("salesdw.sales.DailyTotals")
df.createOrReplaceTempView("linkwright_transfer")
