/**
 * Why a login was refused, and what the citizen reads: the router shows an Access-Reject's
 * Reply-Message on its login page as $(error), and the portal shows it too. Bahasa Indonesia.
 */
export const REJECT_MESSAGES = {
  'unknown-user': 'Kode atau kata sandi salah. Silakan coba lagi.',
  'wrong-password': 'Kode atau kata sandi salah. Silakan coba lagi.',
  'credential-used': 'Kode masuk ini sudah dipakai. Silakan masuk lagi dari halaman login.',
  'credential-expired': 'Waktu masuk sudah habis. Silakan masuk lagi dari halaman login.',
  'wrong-device': 'Kode ini terikat ke perangkat lain dan tidak bisa dipakai di perangkat ini.',
  'device-not-remembered': 'Perangkat belum terdaftar. Silakan masuk melalui halaman login.',
  'voucher-expired': 'Masa berlaku voucher sudah habis.',
  'voucher-revoked': 'Voucher ini sudah tidak berlaku.',
  blocked: 'Akses Anda diblokir. Silakan hubungi pengelola Wi-Fi di lokasi ini.',
  'site-closed': 'Wi-Fi di lokasi ini sedang ditutup sementara.',
  'outside-hours': 'Wi-Fi di lokasi ini sedang di luar jam layanan.',
  'simultaneous-use': 'Batas perangkat yang tersambung bersamaan sudah tercapai. Putuskan perangkat lain lalu coba lagi.',
  'daily-time': 'Kuota waktu internet Anda hari ini sudah habis. Silakan kembali besok.',
  'daily-bytes': 'Kuota data internet Anda hari ini sudah habis. Silakan kembali besok.',
  'no-plan': 'Layanan belum diatur untuk lokasi ini. Silakan hubungi pengelola Wi-Fi.',
  'missing-username': 'Nama pengguna tidak terbaca. Silakan coba lagi.',
} as const;

export type RejectReason = keyof typeof REJECT_MESSAGES;

export function rejectMessage(reason: RejectReason, detail?: string): string {
  return detail ? `${REJECT_MESSAGES[reason]} ${detail}` : REJECT_MESSAGES[reason];
}
