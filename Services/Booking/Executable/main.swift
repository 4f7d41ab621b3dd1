import BookingService
import Foundation
import KepuRuntime

exit(await ServiceMain.run(BookingService.definition))
