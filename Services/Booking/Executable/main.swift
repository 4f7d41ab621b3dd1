import BookingService
import KepuRuntime

await ServiceMain.main(BookingService.definition)
