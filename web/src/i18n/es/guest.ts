import type { Texts } from '../en/guest';

/**
 * Spanish (United States), "usted": el pago como invitado. Same keys as ../en/guest.ts; the type
 * makes a missing or extra one a compile error.
 */
export const texts: Texts = {
  region: {
    title: '¿En qué región está usted?',
    hint: 'Es la región donde recibe atención médica. Aparece en su factura y en su tarjeta de miembro.',
    errorRequired: 'Seleccione la región donde recibe atención médica',
  },
  billType: {
    title: '¿Qué tipo de factura quiere pagar?',
    hint: 'Le pediremos números distintos según el tipo de factura.',
    errorRequired: 'Seleccione el tipo de factura que quiere pagar',
    medical: {
      label: 'Una factura médica',
      hint: 'Una factura por atención en un hospital o de un médico. Necesitará el número de cuenta y el código postal impresos en ella.',
    },
    premium: {
      label: 'Una factura de prima',
      hint: 'Su pago mensual del plan de salud. Necesitará los números del cupón de pago, en la parte de abajo de la factura.',
    },
  },
  lookup: {
    accountNumber: 'Número de cuenta',
    accountFormat:
      'Escriba el número de cuenta solo con letras, números, espacios o guiones, tal como aparece impreso',
    submit: 'Buscar mi factura',
    searching: 'Buscando su factura…',
    rateLimited_one: 'Lo ha intentado demasiadas veces. Espere 1 minuto y vuelva a intentarlo, o llámenos.',
    rateLimited_other:
      'Lo ha intentado demasiadas veces. Espere {{count}} minutos y vuelva a intentarlo, o llámenos.',
    invalid: {
      accountNumber: 'Escriba el número de cuenta tal como aparece en su factura',
      postalCode: 'Escriba el código postal de 5 dígitos de su factura, por ejemplo 95814',
      invoiceNumber: 'Escriba el número de factura tal como aparece en su cupón',
      lastName: 'Escriba el apellido tal como aparece en su cupón',
      regionId: 'Regrese y elija su región otra vez',
    },
    medical: {
      title: 'Escriba los datos de su factura',
      intro: 'Los usamos para encontrar su factura. Aparecen en todas las facturas que le enviamos.',
      accountHint: 'Por lo general 10 dígitos, arriba a la derecha de su factura',
      accountWhere:
        'Mire en la esquina superior derecha de la primera página de su factura, en el recuadro "Número de cuenta".',
      accountRequired: 'Escriba el número de cuenta que aparece arriba a la derecha de su factura',
      zip: 'Código postal',
      zipHint: 'El código postal de la dirección a la que le enviamos sus facturas',
      zipWhere: 'Es la última parte de la dirección impresa en su factura, debajo de su nombre.',
      zipRequired: 'Escriba el código postal de la dirección de su factura',
      zipFormat: 'Escriba el código postal de 5 dígitos de su factura, por ejemplo 95814',
      notFound: 'No encontramos una factura con esos datos. Revise los números de su factura.',
    },
    premium: {
      title: 'Escriba los datos de su cupón de pago',
      intro: 'El cupón de pago es la parte de abajo de su factura de prima, la que se puede cortar.',
      accountHint: 'Aparece a la izquierda del cupón de pago',
      accountWhere:
        'Mire el cupón de pago en la parte de abajo de su factura, a la izquierda, bajo "Número de cuenta".',
      accountRequired: 'Escriba el número de cuenta de su cupón de pago',
      invoice: 'Número de factura',
      invoiceHint: 'Aparece a la derecha del cupón de pago',
      invoiceWhere: 'Está junto al número de cuenta en el cupón de pago, bajo "Número de factura".',
      invoiceRequired: 'Escriba el número de factura de su cupón de pago',
      invoiceFormat:
        'Escriba el número de factura solo con letras, números, espacios o guiones, tal como aparece impreso',
      lastName: 'Apellido del suscriptor',
      lastNameHint: 'La persona titular del plan, tal como aparece en el cupón',
      lastNameWhere: 'Está bajo "Suscriptor" en el cupón de pago, escrito como APELLIDO, NOMBRE.',
      lastNameRequired: 'Escriba el apellido que aparece en su cupón de pago',
      lastNameLong: 'El apellido debe tener 80 caracteres o menos',
      notFound: 'No encontramos una factura con esos datos. Revise los números de su factura.',
    },
  },
  sessionEnded: {
    title: 'Su sesión terminó',
    body: 'Por su seguridad, cerramos su sesión después de un rato, o cuando usted termina.',
    nothingCharged:
      'Si no vio una página de confirmación, no ha pagado. Busque su factura otra vez para pagar.',
    lastPayment: 'La confirmación de su último pago:',
    startAgain: 'Empezar de nuevo',
  },
  finish: {
    title: 'Cerró su sesión',
    body: 'Gracias. Sus datos ya no se muestran en este dispositivo.',
    close: 'Ya puede cerrar esta página.',
  },
};
