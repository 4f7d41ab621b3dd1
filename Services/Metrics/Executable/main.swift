import KepuRuntime
import MetricsService

await ServiceMain.main(MetricsService.definition)
