import type { Texts } from '../en/core';

/**
 * Spanish (United States), "usted": la primera carga. Same keys as ../en/core.ts; the type
 * makes a missing or extra one a compile error.
 */
export const texts: Texts = {
  common: {
    serviceName: 'Pague su factura',
    back: 'Atrás',
    continue: 'Continuar',
    change: 'Cambiar',
    finish: 'Terminar y cerrar sesión',
    payAnother: 'Pagar otra factura',
    loading: 'Cargando…',
    errorPrefix: 'Error:',
    errorSummaryTitle: 'Hay un problema',
    errors: {
      network:
        'No pudimos conectarnos. Revise su conexión a internet e inténtelo de nuevo. Si estaba pagando, no se le cobrará dos veces.',
      unexpected: 'Algo salió mal de nuestra parte. Inténtelo de nuevo en unos minutos.',
    },
  },
  layout: {
    skipLink: 'Saltar al contenido principal',
    languageNav: 'Idioma',
    helpTitle: '¿Necesita ayuda?',
    helpCall: 'Llámenos al',
    tty: 'TTY',
    secureNote: 'Sus datos de pago se envían de forma segura y nunca se guardan en este sitio web.',
  },
  start: {
    title: 'Pague su factura',
    lead: 'Pague en línea una factura médica o la prima de su plan de salud.',
    noSignIn: 'No necesita iniciar sesión ni crear una cuenta.',
    startButton: 'Hacer un pago único',
    beforeTitle: 'Antes de empezar',
    beforeBill:
      'Tenga a mano su factura o su factura de prima. Necesitará el número de cuenta y otros datos impresos en ella.',
    beforeMethods: 'Puede pagar con tarjeta {{brands}}.',
    beforeMethodsBank: 'Puede pagar con tarjeta {{brands}}, o desde una cuenta de cheques o de ahorros.',
    beforeTime: 'Tarda unos 5 minutos. Verá todo antes de pagar.',
    helpTitle: '¿Tiene preguntas sobre su factura?',
    helpIntro:
      'Llame a la oficina de facturación de su región. Podemos explicarle los cargos y preparar un plan de pagos.',
    allHours: 'Todas las regiones: {{hours}}.',
    helpGeneral: 'Para cualquier otra consulta, llame al',
  },
  lookup: {
    whereToFind: '¿Dónde encuentro esto?',
  },
  alreadyPaid: {
    title: 'Usted ya pagó esto',
    body: 'Recibimos su pago de {{amount}} el {{date}}.',
    confirmation: 'Su número de confirmación es',
    noDouble: 'Para evitar que pague dos veces, no volvemos a mostrar el formulario de pago.',
    viewConfirmation: 'Ver su confirmación',
  },
  finish: {
    home: 'Ir a la página de inicio',
  },
  timeout: {
    title: 'Su sesión terminará pronto',
    body_one: 'Por su seguridad, cerraremos su sesión en 1 minuto. ¿Necesita más tiempo?',
    body_other: 'Por su seguridad, cerraremos su sesión en {{count}} minutos. ¿Necesita más tiempo?',
    stay: 'Seguir conectado',
    signOut: 'Cerrar sesión',
  },
  serviceNav: {
    label: 'Páginas de su cuenta',
    home: 'Su cuenta',
    bills: 'Facturas',
    wallet: 'Formas de pago',
    profile: 'Perfil',
    settings: 'Configuración',
  },
  accountNav: {
    label: 'Su cuenta',
    signedInAs: 'Sesión iniciada como',
    signOut: 'Cerrar sesión',
    signIn: 'Iniciar sesión',
  },
  memberTimeout: {
    title: 'Cerraremos su sesión pronto',
    body_one: 'Por su seguridad, cerraremos su sesión en 1 minuto. ¿Quiere seguir conectado?',
    body_other: 'Por su seguridad, cerraremos su sesión en {{count}} minutos. ¿Quiere seguir conectado?',
    bodyLimit_one:
      'Ha tenido la sesión iniciada el tiempo máximo que permitimos. Cerraremos su sesión en 1 minuto. Después puede iniciar sesión otra vez.',
    bodyLimit_other:
      'Ha tenido la sesión iniciada el tiempo máximo que permitimos. Cerraremos su sesión en {{count}} minutos. Después puede iniciar sesión otra vez.',
    stay: 'Seguir conectado',
    ok: 'De acuerdo',
    signOut: 'Cerrar sesión',
  },
  notFound: {
    title: 'No se encontró la página',
    typed: 'Si escribió la dirección web, revise que esté bien escrita.',
    pasted: 'Si pegó la dirección web, revise que copió la dirección completa.',
    home: 'Ir a la página de inicio para pagar su factura',
    call: 'Si necesita ayuda, llámenos al',
  },
  unavailable: {
    title: 'Lo sentimos, este servicio no está disponible en este momento',
    body: 'Puede intentarlo de nuevo en unos minutos. No se ha hecho ningún cargo.',
    retry: 'Intentar de nuevo',
  },
  scheduled: {
    nav: 'Pagos programados',
  },
  autopay: {
    nav: 'Pagos automáticos',
  },
};
