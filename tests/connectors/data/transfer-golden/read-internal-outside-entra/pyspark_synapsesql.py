# Azure Synapse Dedicated SQL Pool Connector for Apache Spark, the synapsesql API in Python
# (Spark 3 only; etlpool of workspace contosows).
# Reads salesdw.sales.DailyTotals from the SQL pool into Spark table lake.daily_totals.
import com.microsoft.spark.sqlanalytics
from com.microsoft.spark.sqlanalytics.Constants import Constants

df = (spark.read
    .option(Constants.SERVER, "contoso-dw.database.windows.net")
    .option(Constants.DATA_SOURCE, "LakeSource")
    .synapsesql("salesdw.sales.DailyTotals"))
df.write.mode("errorifexists").saveAsTable("lake.daily_totals")
